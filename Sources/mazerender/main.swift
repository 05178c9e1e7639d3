import MazerenderCLI
import OutputFiles

// SIGINT, SIGTERM and SIGHUP remove unfinished outputs (hidden temporary files) before the process ends.
InterruptCleanup.install(program: "mazerender")
Mazerender.main()
