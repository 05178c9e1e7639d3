// Tensors placeholder
