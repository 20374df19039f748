//go:build unix

package main

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The tests in this file check the operators' files in deploy/ and the
// Dockerfile with the real tools: systemd-analyze and podman.

func TestSystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze is not installed (make deps installs Debian's systemd)")
	}
	unit, err := os.ReadFile(filepath.Join("..", "..", "deploy", "dmzmap.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"User=dmzmap", "ProtectSystem=strict", "ReadWritePaths=/var/lib/dmzmap", "NoNewPrivileges=yes",
		"Restart=on-failure", "ExecStart=/usr/local/bin/dmzmap serve", "Environment=DMZMAP_DB=/var/lib/dmzmap/",
	} {
		if !bytes.Contains(unit, []byte(want)) {
			t.Errorf("deploy/dmzmap.service has no %q", want)
		}
	}
	// verify checks that ExecStart's program exists: point it at the
	// binary built for these tests.
	verify := func(text string) (string, error) {
		dir := t.TempDir()
		path := filepath.Join(dir, "dmzmap.service")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(analyze, "verify", path).CombinedOutput()
		return string(out), err
	}
	text := strings.Replace(string(unit), "ExecStart=/usr/local/bin/dmzmap ", "ExecStart="+binary(t)+" ", 1)
	if out, err := verify(text); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// The same check finds a mistake.
	if out, err := verify(strings.Replace(text, "ProtectSystem=strict", "ProtectSystem=strict\nProtectSytem=yes", 1)); err == nil && !strings.Contains(out, "ProtectSytem") {
		t.Errorf("systemd-analyze verify accepted a misspelt key silently: %s", out)
	}
}

// podman runs podman with args and returns its output, failing the test
// on an error.
func podman(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("podman", args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("podman %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), stderr.String())
	}
	return out.String()
}

// goImage makes an image holding only a shell, for the Dockerfile's build
// stage: the machine's Go toolchain, module cache and build cache are
// mounted into it at build time, since the tests reach no image registry
// (a real build pulls the golang image instead).
func goImage(t *testing.T, tag string) {
	t.Helper()
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		t.Fatal("busybox is not installed (make deps installs busybox-static)")
	}
	root := t.TempDir()
	for _, d := range []string{"bin", "tmp", "root", "usr/local/go", "go/pkg/mod"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(filepath.Join(root, "tmp"), 0o1777)
	b, err := os.ReadFile(busybox)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin", "busybox"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sh", "mkdir"} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", name)); err != nil {
			t.Fatal(err)
		}
	}
	tar := exec.Command("tar", "-C", root, "-c", ".")
	imp := exec.Command("podman", "import",
		"--change", "ENV PATH=/usr/local/go/bin:/bin", "--change", "ENV HOME=/root",
		"--change", "ENV GOPATH=/go", "--change", "ENV GOCACHE=/root/.cache/go-build",
		"--change", "ENV GOPROXY=off", "--change", "ENV GOFLAGS=-mod=mod", "--change", "ENV GOTOOLCHAIN=local",
		"-", tag)
	pipe, err := tar.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	imp.Stdin = pipe
	var out bytes.Buffer
	imp.Stdout, imp.Stderr = &out, &out
	if err := tar.Start(); err != nil {
		t.Fatal(err)
	}
	if err := imp.Run(); err != nil {
		t.Fatalf("podman import: %v\n%s", err, out.String())
	}
	tar.Wait()
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// TestContainerImage builds the Dockerfile with podman, checks the image's
// settings, and runs the binary copied out of it against the API. Running
// the container itself does not work on these machines (crun cannot set
// up cgroups here); building does, with RUN steps in chroot isolation.
func TestContainerImage(t *testing.T) {
	if _, err := exec.LookPath("podman"); err != nil {
		t.Fatal("podman is not installed (make deps installs Debian's podman)")
	}
	id := fmt.Sprintf("%d", time.Now().UnixNano())
	base, image, ctr := "localhost/dmzmap-test-go:"+id, "localhost/dmzmap-test:"+id, "dmzmap-test-"+id
	goImage(t, base)
	t.Cleanup(func() {
		exec.Command("podman", "rm", "-f", ctr).Run()
		exec.Command("podman", "rmi", "-f", image, base).Run()
	})
	// --layers=false keeps no image of the build stage behind.
	podman(t, "build", "--isolation", "chroot", "--format", "docker", "--quiet", "--layers=false",
		"--build-arg", "GO_IMAGE="+base,
		"-v", goEnv(t, "GOROOT")+":/usr/local/go:ro",
		"-v", goEnv(t, "GOMODCACHE")+":/go/pkg/mod",
		"-v", goEnv(t, "GOCACHE")+":/root/.cache/go-build",
		"-t", image, "-f", filepath.Join("..", "..", "Dockerfile"), filepath.Join("..", ".."))

	var inspected []struct {
		Config struct {
			User         string
			Entrypoint   []string
			Cmd          []string
			Env          []string
			Volumes      map[string]any
			ExposedPorts map[string]any
		}
		Healthcheck *struct{ Test []string } // podman keeps it beside Config
	}
	if err := json.Unmarshal([]byte(podman(t, "image", "inspect", image)), &inspected); err != nil || len(inspected) != 1 {
		t.Fatalf("podman image inspect: %v", err)
	}
	cfg := inspected[0].Config
	if cfg.User == "" || cfg.User == "0" || strings.HasPrefix(cfg.User, "root") || strings.HasPrefix(cfg.User, "0:") {
		t.Errorf("the image runs as %q, want a user other than root", cfg.User)
	}
	if _, ok := cfg.Volumes["/data"]; !ok {
		t.Errorf("volumes %v, want /data", cfg.Volumes)
	}
	if _, ok := cfg.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("exposed ports %v, want 8080/tcp", cfg.ExposedPorts)
	}
	if hc := inspected[0].Healthcheck; hc == nil || !strings.Contains(strings.Join(hc.Test, " "), "healthcheck --url http://127.0.0.1:8080/healthz") {
		t.Errorf("healthcheck %+v, want dmzmap healthcheck on /healthz", hc)
	}
	if !strings.Contains(strings.Join(cfg.Env, " "), "DMZMAP_DB=/data/") {
		t.Errorf("env %v, want the database in /data", cfg.Env)
	}

	podman(t, "create", "--name", ctr, image)
	dir := t.TempDir()
	podman(t, "cp", ctr+":/dmzmap", dir)
	bin := filepath.Join(dir, "dmzmap")
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the image's binary is dynamically linked; want a static one on the empty base")
		}
	}
	f.Close()

	// The image's binary serves the seeded API.
	srv := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "image.db"))
	srv.Env = childEnv()
	stderr := &syncBuffer{}
	srv.Stderr = stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == ""; time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the image's binary did not listen:\n%s", stderr)
		}
	}
	health := func(url string) error {
		return exec.Command(bin, "healthcheck", "--url", url, "--timeout", "2s").Run()
	}
	var err2 error
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if err2 = health("http://" + addr + "/healthz"); err2 == nil || time.Now().After(deadline) {
			break
		}
	}
	if err2 != nil {
		t.Fatalf("dmzmap healthcheck against a running server: %v", err2)
	}
	if err := health("http://" + addr + "/no-such-page"); err == nil {
		t.Error("dmzmap healthcheck passed on a 404")
	}
	res, err := http.Get("http://" + addr + "/api/incidents?year=2017")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &fc) != nil || len(fc.Features) == 0 {
		t.Fatalf("GET /api/incidents?year=2017 from the image's binary: %d %.200s", res.StatusCode, b)
	}
}
