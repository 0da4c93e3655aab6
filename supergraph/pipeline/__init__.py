"""The request pipeline, one module per stage: parse, validate, normalize, coerce variables,
plan, execute."""
