// error: 3:11
// message: expected a new line after the decorator
@secure() param p string
