// MazeObservation placeholder
