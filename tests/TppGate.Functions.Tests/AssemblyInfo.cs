using TppGate.Testing.Azurite;

[assembly: AssemblyFixture(typeof(AzuriteInstance))]
