// Package fakedns is a DNS server for tests of the address rule: it answers
// A and AAAA questions for the names a test sets, and NXDOMAIN for any
// other, on a UDP port of 127.0.0.1. A name's answer can change while the
// test runs, as a rebinding attacker's would.
package fakedns

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// Server is a running fake DNS server.
type Server struct {
	conn *net.UDPConn

	mu      sync.Mutex
	names   map[string][]netip.Addr
	queries int
}

// New starts a server until the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{conn: conn, names: map[string][]netip.Addr{}}
	go s.serve()
	tb.Cleanup(func() { conn.Close() })
	return s
}

// Set makes name resolve to addrs (none: NXDOMAIN).
func (s *Server) Set(name string, addrs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []netip.Addr
	for _, a := range addrs {
		out = append(out, netip.MustParseAddr(a))
	}
	s.names[strings.ToLower(strings.TrimSuffix(name, "."))] = out
}

// Queries counts the questions answered.
func (s *Server) Queries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries
}

// Addr is the server's address, host:port.
func (s *Server) Addr() string { return s.conn.LocalAddr().String() }

// Resolver is a Go resolver that asks only this server.
func (s *Server) Resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", s.Addr())
	}}
}

func (s *Server) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := s.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		if out := s.answer(buf[:n]); out != nil {
			_, _ = s.conn.WriteToUDP(out, from)
		}
	}
}

// answer builds the response to one query: the question echoed, and an
// answer record per address of the question's type.
func (s *Server) answer(q []byte) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:6]) != 1 {
		return nil
	}
	// The question: labels, then type and class.
	i, labels := 12, []string{}
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if i+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	if i+5 > len(q) {
		return nil
	}
	question := q[12 : i+5]
	qtype := binary.BigEndian.Uint16(q[i+1 : i+3])
	name := strings.ToLower(strings.Join(labels, "."))

	s.mu.Lock()
	addrs, known := s.names[name]
	s.queries++
	s.mu.Unlock()

	var answers [][]byte
	for _, a := range addrs {
		var rtype uint16
		var data []byte
		switch {
		case a.Is4() && qtype == 1:
			rtype, data = 1, a.AsSlice()
		case a.Is6() && qtype == 28:
			rtype, data = 28, a.AsSlice()
		default:
			continue
		}
		rr := []byte{0xc0, 12} // the name: a pointer to the question's
		rr = binary.BigEndian.AppendUint16(rr, rtype)
		rr = binary.BigEndian.AppendUint16(rr, 1) // IN
		rr = binary.BigEndian.AppendUint32(rr, 0) // TTL: never cached
		rr = binary.BigEndian.AppendUint16(rr, uint16(len(data)))
		answers = append(answers, append(rr, data...))
	}
	flags := uint16(0x8180) // a response, recursion desired and available
	if !known {
		flags |= 3 // NXDOMAIN
	}
	out := append([]byte{}, q[0:2]...)
	out = binary.BigEndian.AppendUint16(out, flags)
	out = binary.BigEndian.AppendUint16(out, 1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(answers)))
	out = binary.BigEndian.AppendUint16(out, 0)
	out = binary.BigEndian.AppendUint16(out, 0)
	out = append(out, question...)
	for _, a := range answers {
		out = append(out, a...)
	}
	return out
}
