"""The service catalogue: what people may ask for, with its priority, targets and form."""
