// error: 3:1
// message: unexpected character '#'
#pragma once
