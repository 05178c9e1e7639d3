// MazeSimulation placeholder
