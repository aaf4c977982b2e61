package config

import (
	"encoding/json"
	"fmt"
)

// WithDefaults returns a deep copy of the config with every default filled in. The copy shares no slice, map or
// pointer with the receiver, so neither a default nor a later change to the completed config reaches the config
// as written.
func (s Stack) WithDefaults() Stack {
	out := deepCopy(s)
	out.Estate.fillDefaults()
	if out.Organization != nil {
		out.Organization.fillDefaults(out.Estate)
	}
	if out.Security != nil {
		out.Security.fillDefaults(out.Estate)
	}
	if out.Network != nil {
		out.Network.fillDefaults()
		out.Network.Alarms.fillDefaults(out.Estate)
	}
	if out.Workload != nil {
		out.Workload.fillDefaults(out.Environment())
		out.Workload.fillOperations(out.Environment(), out.Estate)
	}
	if out.Delivery != nil {
		out.Delivery.fillDefaults()
	}
	return out
}

// deepCopy returns a copy of v that shares no slice, map or pointer with it. The config types are JSON through and
// through (Parse decodes them from JSON), so a JSON round trip copies every value they can hold, and keeps doing
// so when a field is added. It panics only on a value JSON cannot hold (NaN), which Parse never produces.
func deepCopy[T any](v T) T {
	b, err := json.Marshal(v)
	if err == nil {
		var out T
		if err = json.Unmarshal(b, &out); err == nil {
			return out
		}
	}
	panic(fmt.Sprintf("config: copying a %T: %v", v, err))
}

func setString(v *string, def string) {
	if *v == "" {
		*v = def
	}
}

func setInt(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}
