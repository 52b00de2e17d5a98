// error: 4:8
// message: expected ':' after the property name
var o = {
  name 'x'
}
