"""Service levels: business calendars, business-time arithmetic, ticket SLA clocks and the scheduler."""
