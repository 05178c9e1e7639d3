// ImpalaPolicy placeholder
