var multiLineObject = {
  name: 'a'
  'quoted-key': 1
  '${'interp'}Key': true
  if: 'keywords are keys'
  nested: {
    deeper: {
      deepest: null
    }
  }
}
var singleLineObject = {a: 1, b: 2}
var commaMultiLine = {
  a: 1,
  b: 2,
}
var emptyObject = {}
var multiLineArray = [
  1
  'two'
  {
    three: 3
  }
  [
    4
  ]
]
var singleLineArray = [1, 2, 3]
var emptyArray = []
var mixed = [
  1, 2
  3
]
