def log = new File(basedir, 'build.log').text
assert log.contains('Duplicate classes found') : 'the build failed, but not on duplicate classes'
assert log.contains('io/switchboard/core/Server.class') : 'the shaded jar\'s copy of Switchboard was not reported'
