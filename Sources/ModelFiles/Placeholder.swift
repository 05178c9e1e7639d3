// ModelFiles placeholder
