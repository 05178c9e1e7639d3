// RenderJobs placeholder
