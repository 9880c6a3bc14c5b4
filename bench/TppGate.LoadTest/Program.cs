Console.WriteLine("Load run: arrives with the authorizer.");
