// VideoEncoding: work in progress
