test sample 'samples/sample1.bicep' = {
  params: {
    location: 'westus'
  }
}

test other 'samples/main.bicep' = {
  params: {
    env: 'prod'
  }
}
