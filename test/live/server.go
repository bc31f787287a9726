package main

// One Consul server per cluster, configured like the local lab's servers (lib/dataplane/docker/server.ts):
// ACLs on with default deny and a known management token, Connect and peering on, gRPC TLS for peering
// (servers take its certificate from their Connect CA). Every server listens on 127.0.0.1 inside the
// tier's private network namespace, on the HTTP port its provider block names and a fixed block of
// other ports, so nothing needs to be free on the host.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/consul/api"
)

type server struct {
	C        *cluster
	Dir      string
	HTTP     string // host:port
	GRPC     string // plaintext xDS port (host:port), written into Envoy bootstraps
	GRPCTLS  string
	MgmtTok  string
	Client   *api.Client
	Cmd      *exec.Cmd
	LogFile  string
	TrustDom string
}

// ServerName is what a peer dialing this cluster sends as TLS SNI (`server.<dc>.peering.<trust domain>`).
func (s *server) ServerName() string {
	return "server." + s.C.Datacenter + ".peering." + s.TrustDom
}

func (s *server) clientWithToken(token string) (*api.Client, error) {
	return api.NewClient(&api.Config{Address: s.HTTP, Token: token})
}

// httpAddress picks the HTTP listener: the provider's own address when it is loopback and not taken by an
// earlier cluster, otherwise 127.0.0.1 on the cluster's port block.
func httpAddress(c *cluster, index int, taken map[string]bool) string {
	addr := strings.TrimPrefix(strings.TrimPrefix(c.Address, "http://"), "https://")
	if host, port, err := net.SplitHostPort(addr); err == nil && (host == "127.0.0.1" || host == "localhost") {
		a := "127.0.0.1:" + port
		if !taken[a] {
			return a
		}
	}
	return "127.0.0.1:" + strconv.Itoa(portBase(index))
}

func portBase(index int) int { return 21000 + 100*(index+1) }

func startServer(ctx context.Context, consulBin, root string, c *cluster, index int, mgmt string, httpAddr string) (*server, error) {
	dir := filepath.Join(root, "server-"+c.Datacenter)
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		return nil, err
	}
	base := portBase(index)
	s := &server{C: c, Dir: dir, MgmtTok: mgmt, LogFile: filepath.Join(dir, "consul.log")}
	s.HTTP = httpAddr
	_, httpPort, _ := net.SplitHostPort(s.HTTP)
	hp, _ := strconv.Atoi(httpPort)
	s.GRPC = "127.0.0.1:" + strconv.Itoa(base+4)
	s.GRPCTLS = "127.0.0.1:" + strconv.Itoa(base+5)
	config := map[string]interface{}{
		"datacenter":       c.Datacenter,
		"node_name":        c.Datacenter + "-server",
		"server":           true,
		"bootstrap_expect": 1,
		"data_dir":         filepath.Join(dir, "data"),
		"bind_addr":        "127.0.0.1",
		"advertise_addr":   "127.0.0.1",
		"client_addr":      "127.0.0.1",
		"connect":          map[string]interface{}{"enabled": true},
		"peering":          map[string]interface{}{"enabled": true},
		"ports": map[string]interface{}{
			"http": hp, "dns": -1, "serf_lan": base + 1, "serf_wan": base + 2, "server": base + 3,
			"grpc": base + 4, "grpc_tls": base + 5,
		},
		"acl": map[string]interface{}{
			"enabled": true, "default_policy": "deny", "down_policy": "extend-cache",
			"tokens": map[string]interface{}{"initial_management": mgmt, "agent": mgmt},
		},
		"log_level":            "DEBUG",
		"disable_update_check": true, // no network beyond the namespace
	}
	raw, _ := json.MarshalIndent(config, "", "  ")
	cfg := filepath.Join(dir, "server.json")
	if err := os.WriteFile(cfg, raw, 0o600); err != nil {
		return nil, err
	}
	logf, err := os.Create(s.LogFile)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(consulBin, "agent", "-config-file="+cfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting consul for %s: %v", c.Datacenter, err)
	}
	s.Cmd = cmd
	if s.Client, err = s.clientWithToken(mgmt); err != nil {
		return nil, err
	}
	// Leader elected and ACLs bootstrapped (the management token resolves), then the CA's trust domain.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("server %s did not become ready in 60s (log: %s)\n%s", c.Datacenter, s.LogFile, tail(s.LogFile, 15))
		}
		leader, err := s.Client.Status().Leader()
		if err == nil && leader != "" {
			if _, _, err := s.Client.ACL().TokenReadSelf(nil); err == nil {
				if roots, _, err := s.Client.Connect().CARoots(nil); err == nil && roots.TrustDomain != "" && len(roots.Roots) > 0 {
					s.TrustDom = roots.TrustDomain
					return s, nil
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (s *server) stop() {
	if s.Cmd != nil && s.Cmd.Process != nil {
		_ = syscall.Kill(-s.Cmd.Process.Pid, syscall.SIGKILL)
		_, _ = s.Cmd.Process.Wait()
	}
}

func tail(file string, n int) string {
	raw, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
