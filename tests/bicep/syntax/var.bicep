var untyped = 'plain'
var typed string = 'typed'
var typedArray string[] = [
  'a'
  'b'
]
var typedObject {name: string} = {name: 'x'}
var computed = length(typedArray) * 2
