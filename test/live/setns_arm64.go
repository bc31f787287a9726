package main

// sysSetns is setns(2) on linux/arm64 (the syscall package has no constant for it).
const sysSetns = 268
