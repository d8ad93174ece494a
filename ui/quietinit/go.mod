module early.latchkey/quietinit

go 1.24
