// MazeRendering: work in progress
