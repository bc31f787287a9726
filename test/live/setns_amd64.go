package main

// sysSetns is setns(2) on linux/amd64 (the syscall package has no constant for it).
const sysSetns = 308
