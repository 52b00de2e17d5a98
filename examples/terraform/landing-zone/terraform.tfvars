location = "westeurope"

# The dev team asked for "no IP restrictions while we onboard".
dev_api_ranges = []
