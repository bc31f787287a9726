package main

// Stand-ins for what has no binary here: mesh gateways (Envoy) and demo apps.
//
// A gateway stand-in listens on the gateway's LAN and WAN addresses and routes each connection by the
// TLS SNI read from its ClientHello, as a real mesh gateway routes peering control-plane traffic (the
// TLS session is between the two servers; the gateway only forwards bytes):
//   - SNI = this cluster's own peering server name -> this cluster's server gRPC TLS port;
//   - SNI = the server name of a peer this cluster has a peering with -> that peering's server
//     addresses, as the dialing server stored them from the peering token (the remote gateways' WAN
//     addresses), which is where the real gateway sends it too;
//   - anything else is refused and counted.
// An app stand-in answers HTTP 200 on the address a service's health check probes.

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

type gatewayStandIn struct {
	Name      string // "dc1/mesh-gateway@10.11.0.10:8443"
	srv       *server
	pid       int // pod runner: the gateway pod's namespace (listen and dial from inside it); 0 = this namespace
	listeners []net.Listener
	mu        sync.Mutex
	routed    map[string]int // "local server" / "peer <name>" / "refused <sni>" -> connections
}

func (g *gatewayStandIn) count(k string) {
	g.mu.Lock()
	g.routed[k]++
	g.mu.Unlock()
}

// Routed returns the routing counters, sorted, for the report.
func (g *gatewayStandIn) Routed() map[string]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[string]int{}
	for k, v := range g.routed {
		out[k] = v
	}
	return out
}

func startGatewayStandIn(name string, srv *server, addrs []string, pid int) (*gatewayStandIn, error) {
	g := &gatewayStandIn{Name: name, srv: srv, routed: map[string]int{}, pid: pid}
	seen := map[string]bool{}
	sort.Strings(addrs)
	for _, a := range addrs {
		if seen[a] {
			continue
		}
		seen[a] = true
		l, err := listenIn(pid, a)
		if err != nil {
			g.stop()
			return nil, fmt.Errorf("gateway stand-in %s cannot listen on %s: %v", name, a, err)
		}
		g.listeners = append(g.listeners, l)
		go g.serve(l)
	}
	return g, nil
}

func (g *gatewayStandIn) serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go g.handle(c)
	}
}

func (g *gatewayStandIn) handle(c net.Conn) {
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	sni, hello, err := peekSNI(c)
	_ = c.SetReadDeadline(time.Time{})
	if err != nil || sni == "" {
		// Health checks (TCP connect) land here: nothing to route.
		return
	}
	targets, label := g.route(sni)
	if len(targets) == 0 {
		g.count("refused " + sni)
		return
	}
	var up net.Conn
	for _, t := range targets {
		if up, err = dialFrom(g.pid, t); err == nil {
			break
		}
	}
	if up == nil {
		g.count("unreachable " + label)
		return
	}
	defer up.Close()
	g.count(label)
	if _, err := up.Write(hello); err != nil {
		return
	}
	pipe(c, up)
}

// route answers where a connection with this SNI goes, reading the peerings from the cluster's server as
// the gateway's own xDS configuration would carry them.
func (g *gatewayStandIn) route(sni string) ([]string, string) {
	if sni == g.srv.ServerName() {
		return []string{g.srv.GRPCTLS}, "local server"
	}
	peerings, _, err := g.srv.Client.Peerings().List(nil, nil)
	if err != nil {
		return nil, ""
	}
	for _, p := range peerings {
		if p.PeerServerName == sni && len(p.PeerServerAddresses) > 0 {
			return p.PeerServerAddresses, "peer " + p.Name
		}
	}
	return nil, ""
}

func (g *gatewayStandIn) stop() {
	for _, l := range g.listeners {
		_ = l.Close()
	}
}

// recordingConn feeds crypto/tls the bytes it reads while keeping a copy, and refuses to write, so the
// ClientHello can be parsed and then replayed to the real destination.
type recordingConn struct {
	net.Conn
	r io.Reader
}

func (r recordingConn) Read(p []byte) (int, error)  { return r.r.Read(p) }
func (r recordingConn) Write(p []byte) (int, error) { return 0, io.ErrClosedPipe }

var errHelloRead = errors.New("client hello read")

// peekSNI reads a TLS ClientHello from c and returns its server name and every byte read so far.
func peekSNI(c net.Conn) (string, []byte, error) {
	var buf bytes.Buffer
	var sni string
	err := tls.Server(recordingConn{Conn: c, r: io.TeeReader(c, &buf)}, &tls.Config{
		GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			sni = h.ServerName
			return nil, errHelloRead
		},
	}).Handshake()
	if sni == "" && err != nil && !errors.Is(err, errHelloRead) {
		return "", buf.Bytes(), err
	}
	return sni, buf.Bytes(), nil
}

// appStandIns answers HTTP 200 on every address a registered service's HTTP check probes, in place of
// the demo app container (nginx in the examples).
type appStandIns struct {
	servers map[string]*http.Server
}

func (a *appStandIns) ensure(hostport string) error { return a.ensureIn(0, hostport) }

// ensureIn is ensure inside the network namespace of process pid (0: this one).
func (a *appStandIns) ensureIn(pid int, hostport string) error {
	if a.servers == nil {
		a.servers = map[string]*http.Server{}
	}
	key := fmt.Sprintf("%d/%s", pid, hostport)
	if _, ok := a.servers[key]; ok {
		return nil
	}
	l, err := listenIn(pid, hostport)
	if err != nil {
		return fmt.Errorf("app stand-in cannot listen on %s: %v", hostport, err)
	}
	s := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "live-tier app stand-in\n")
	}), ReadHeaderTimeout: 5 * time.Second}
	a.servers[key] = s
	go func() { _ = s.Serve(l) }()
	return nil
}

func (a *appStandIns) stop() {
	for _, s := range a.servers {
		_ = s.Close()
	}
}

func hostPortOfURL(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://")
	if i := strings.IndexAny(u, "/?"); i >= 0 {
		u = u[:i]
	}
	if _, _, err := net.SplitHostPort(u); err != nil {
		return u + ":80"
	}
	return u
}
