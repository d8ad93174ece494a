//go:build !nodemo

package demolink

import _ "latchkey/auth/demo" // registers demoinfo.Start
