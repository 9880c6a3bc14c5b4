using TppGate.LocalHost.Tests.Support;

[assembly: AssemblyFixture(typeof(LocalRunFixture))]
