using none

param namePrefix = 'Prod'
param tags = {
  environment: 'dev'
}
