import {
  'not-an-identifier' as aliased
  plainName
} from 'shared.bicep'
import {'x-y' as xy, other} from 'shared.bicep'
