package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWaiversAreParsedAndValidated(t *testing.T) {
	raw := validRaw(t)
	raw[KeyWaivers] = `[{"rule":"PC006","resource":"break-glass","reason":"the emergency path needs full access","expires":"2027-05-31"},
		{"rule":"pc6","resource":"","reason":"short","expires":"31/05/2027"}]`
	s, err := Parse("org", raw)
	require.NoError(t, err)
	require.Len(t, s.Waivers, 2)
	at, ok := s.Waivers[0].ExpiresAt()
	require.True(t, ok)
	assert.Equal(t, time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), at, "a waiver holds through its last day")

	err = s.Validate()
	require.Error(t, err)
	assert.ErrorContains(t, err, `platform:waivers[1].rule "pc6" is not a rule ID`)
	assert.ErrorContains(t, err, `platform:waivers[1].resource is required`)
	assert.ErrorContains(t, err, `platform:waivers[1].reason "short" is too short`)
	assert.ErrorContains(t, err, `platform:waivers[1].expires "31/05/2027" is not a date`)
	assert.NotContains(t, err.Error(), "waivers[0]")
}

func TestWaiversRejectUnknownFields(t *testing.T) {
	raw := validRaw(t)
	raw[KeyWaivers] = `[{"rule":"PC006","resource":"x","reason":"a good reason here","expires":"2027-05-31","until":"never"}]`
	_, err := Parse("org", raw)
	assert.ErrorContains(t, err, `platform:waivers: not valid: json: unknown field "until"`)
}
