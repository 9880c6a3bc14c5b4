Console.WriteLine("TppGate local host: arrives with the authorizer.");
