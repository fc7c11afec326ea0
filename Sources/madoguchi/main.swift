import MadoguchiCLI

// The executable stays thin: everything lives in MadoguchiCLI so tests can reach it.
await MadoguchiCommand.start()
