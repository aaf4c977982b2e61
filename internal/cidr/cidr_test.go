package cidr

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubnet(t *testing.T) {
	base := netip.MustParsePrefix("10.16.0.0/16")
	assert.Equal(t, "10.16.128.0/18", MustSubnet(base, 2, 2).String())
	assert.Equal(t, "10.16.240.0/20", MustSubnet(MustSubnet(base, 2, 3), 2, 3).String())
	_, err := Subnet(base, 2, 4)
	assert.ErrorContains(t, err, "no subnet number 4")
	_, err = Subnet(netip.MustParsePrefix("10.0.0.0/30"), 4, 0)
	assert.ErrorContains(t, err, "cannot be split")
}

func TestParse(t *testing.T) {
	p, err := Parse("10.0.0.0/16")
	require.NoError(t, err)
	assert.Equal(t, 16, p.Bits())
	_, err = Parse("10.0.0.1/16")
	assert.ErrorContains(t, err, "host bits set: the network is 10.0.0.0/16")
	_, err = Parse("fd00::/8")
	assert.ErrorContains(t, err, "not an IPv4")
	_, err = Parse("10.0.0.0")
	assert.ErrorContains(t, err, "not a CIDR")
}

func TestOverlapsAndContains(t *testing.T) {
	a, b := netip.MustParsePrefix("10.0.0.0/14"), netip.MustParsePrefix("10.2.0.0/16")
	assert.True(t, Overlaps(a, b))
	assert.True(t, Contains(a, b))
	assert.False(t, Contains(b, a))
	assert.False(t, Overlaps(netip.MustParsePrefix("10.4.0.0/16"), a))
}
