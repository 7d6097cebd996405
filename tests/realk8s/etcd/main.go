// Command etcd is the upstream etcd server, built from its published Go module
// (go.etcd.io/etcd/server/v3/etcdmain) as etcd's own main.go does. The version is pinned in go.mod.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
