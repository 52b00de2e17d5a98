using './main.bicep'

import {defaultRanges} from './shared.bicep'
import * as shared from './shared.bicep'

var prefix = 'aks'
var env = 'prod'
param clusterName = '${prefix}-${env}'
param ranges = concat(defaultRanges, shared.extraRanges)
