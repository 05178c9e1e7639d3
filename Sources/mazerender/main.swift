import MazerenderCLI
Mazerender.main()
