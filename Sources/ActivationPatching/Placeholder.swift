// ActivationPatching placeholder
