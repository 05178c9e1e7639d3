// MazerenderCLI placeholder
