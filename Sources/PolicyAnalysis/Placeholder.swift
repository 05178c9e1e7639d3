// PolicyAnalysis: work in progress
