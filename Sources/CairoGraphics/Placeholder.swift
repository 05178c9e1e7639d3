// CairoGraphics: work in progress
