// Package cidr plans IPv4 address space: subnetting a prefix and checking overlaps.
package cidr

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Parse reads an IPv4 CIDR and requires it in canonical form (no host bits set).
func Parse(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a CIDR: %w", err)
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("not an IPv4 CIDR")
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("has host bits set: the network is %s", p.Masked())
	}
	return p, nil
}

// Subnet returns the num-th subnet of base that is newbits longer (terraform's cidrsubnet).
func Subnet(base netip.Prefix, newbits, num int) (netip.Prefix, error) {
	bits := base.Bits() + newbits
	if bits > 32 {
		return netip.Prefix{}, fmt.Errorf("%s cannot be split %d bits further", base, newbits)
	}
	if num < 0 || num >= 1<<newbits {
		return netip.Prefix{}, fmt.Errorf("%s has no subnet number %d of /%d", base, num, bits)
	}
	a := base.Masked().Addr().As4()
	v := binary.BigEndian.Uint32(a[:]) | uint32(num)<<(32-bits)
	var out [4]byte
	binary.BigEndian.PutUint32(out[:], v)
	return netip.PrefixFrom(netip.AddrFrom4(out), bits), nil
}

// MustSubnet is Subnet for plans already validated.
func MustSubnet(base netip.Prefix, newbits, num int) netip.Prefix {
	p, err := Subnet(base, newbits, num)
	if err != nil {
		panic(err)
	}
	return p
}

// Overlaps reports whether two prefixes share an address.
func Overlaps(a, b netip.Prefix) bool { return a.Overlaps(b) }

// Contains reports whether outer contains all of inner.
func Contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}
