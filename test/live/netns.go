package main

// Network plumbing of the pod runner, all inside the tier's own network namespace: a Linux bridge per
// docker_network, a network namespace per pod held by its pause process, veth pairs between them, and
// sockets opened inside a pod's namespace from this process.

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"
)

type bridgeNet struct {
	Name    string // docker network name
	Dev     string // bridge device
	Subnet  string
	Gateway string
	Prefix  int
}

func ipCmd(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// nsIP runs `ip` inside the network namespace of process pid.
func nsIP(pid int, args ...string) error {
	full := append([]string{"--net=/proc/" + fmt.Sprint(pid) + "/ns/net", "--", "ip"}, args...)
	out, err := exec.Command("nsenter", full...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("in pod %d: ip %s: %v: %s", pid, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func newBridge(index int, name, subnet, gateway string) (*bridgeNet, error) {
	_, ipnet, err := net.ParseCIDR(subnet)
	if err != nil {
		return nil, fmt.Errorf("network %s: subnet %q: %v", name, subnet, err)
	}
	prefix, _ := ipnet.Mask.Size()
	if gateway == "" { // Docker's default: the subnet's first address
		ip := ipnet.IP.To4()
		gateway = net.IPv4(ip[0], ip[1], ip[2], ip[3]+1).String()
	}
	b := &bridgeNet{Name: name, Dev: fmt.Sprintf("br%d", index), Subnet: subnet, Gateway: gateway, Prefix: prefix}
	for _, args := range [][]string{
		{"link", "add", b.Dev, "type", "bridge"},
		{"addr", "add", fmt.Sprintf("%s/%d", gateway, prefix), "dev", b.Dev},
		{"link", "set", b.Dev, "up"},
	} {
		if err := ipCmd(args...); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// attach connects the pod (its holder's pid) to bridge b with address ip, as interface eth<i>.
func attach(pid, vethIndex, ifIndex int, b *bridgeNet, ip string) error {
	host, peer := fmt.Sprintf("vh%d", vethIndex), fmt.Sprintf("vp%d", vethIndex)
	for _, args := range [][]string{
		{"link", "add", host, "type", "veth", "peer", "name", peer},
		{"link", "set", host, "master", b.Dev, "up"},
		{"link", "set", peer, "netns", fmt.Sprint(pid)},
	} {
		if err := ipCmd(args...); err != nil {
			return err
		}
	}
	eth := fmt.Sprintf("eth%d", ifIndex)
	for _, args := range [][]string{
		{"link", "set", peer, "name", eth},
		{"addr", "add", fmt.Sprintf("%s/%d", ip, b.Prefix), "dev", eth},
		{"link", "set", eth, "up"},
		{"link", "set", "lo", "up"},
	} {
		if err := nsIP(pid, args...); err != nil {
			return err
		}
	}
	return nil
}

// inNetns runs fn on an OS thread switched into the network namespace of process pid: sockets created
// there belong to the pod, as if a process of the pod had opened them.
func inNetns(pid int, fn func() error) error {
	runtime.LockOSThread()
	orig, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer orig.Close()
	target, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer target.Close()
	if _, _, e := syscall.RawSyscall(sysSetns, target.Fd(), syscall.CLONE_NEWNET, 0); e != 0 {
		runtime.UnlockOSThread()
		return fmt.Errorf("setns into pod %d: %v", pid, e)
	}
	ferr := fn()
	if _, _, e := syscall.RawSyscall(sysSetns, orig.Fd(), syscall.CLONE_NEWNET, 0); e != 0 {
		// Leave the thread locked: Go ends a locked thread with its goroutine, so it is never reused.
		return fmt.Errorf("setns back from pod %d: %v", pid, e)
	}
	runtime.UnlockOSThread()
	return ferr
}

// listenIn listens inside the namespace of process pid (0: this process's own).
func listenIn(pid int, addr string) (net.Listener, error) {
	if pid == 0 {
		return net.Listen("tcp", addr)
	}
	var l net.Listener
	err := inNetns(pid, func() (err error) {
		l, err = net.Listen("tcp", addr)
		return err
	})
	return l, err
}

// dialFrom connects from inside the namespace of process pid (0: this process's own).
func dialFrom(pid int, addr string) (net.Conn, error) {
	if pid == 0 {
		return net.DialTimeout("tcp", addr, dialTimeout)
	}
	var c net.Conn
	err := inNetns(pid, func() (err error) {
		c, err = net.DialTimeout("tcp", addr, dialTimeout)
		return err
	})
	return c, err
}

const dialTimeout = 3 * time.Second

// pipe copies both ways between two connections until both directions are done, passing each half-close on.
func pipe(a, b net.Conn) {
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(a, b); closeWrite(a); done <- struct{}{} }()
	go func() { _, _ = io.Copy(b, a); closeWrite(b); done <- struct{}{} }()
	<-done
	<-done
}

func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
}
