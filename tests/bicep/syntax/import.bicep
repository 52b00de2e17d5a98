import {subnetConfig, cidr as makeCidr} from 'types.bicep'
import * as shared from './shared.bicep'
import {
  network
  pool as nodePool
} from 'br/public:avm/utl/types/avm-common-types:0.2.0'

var c = makeCidr('10.0.0.0')
var s = shared.subnetName('x', 1)
