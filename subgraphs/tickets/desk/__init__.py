"""Each company's service-desk settings: its business calendar and automatic assignment."""
