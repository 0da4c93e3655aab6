"""The request pipeline, one module per stage: parse, validate, select, normalize, limits, introspection, plan
(together in `prepare`, once per operation text), then per request: coerce variables, execute."""
