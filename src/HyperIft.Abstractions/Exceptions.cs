namespace HyperIft.Abstractions;

/// <summary>Bad input found on a silo (a data file, a label, a size): one message naming what and where.</summary>
[GenerateSerializer]
public sealed class ProblemInputException(string message) : Exception(message);

/// <summary>A computation that cannot give a trustworthy answer (e.g. the Hessian is not positive definite).</summary>
[GenerateSerializer]
public sealed class ComputationFailedException(string message) : Exception(message);

/// <summary>A shard that lost its rows or its point (it was reactivated): the coordinator restores it and retries.</summary>
[GenerateSerializer]
public sealed class ShardStateLostException(string message) : Exception(message);

/// <summary>A coordinator that lost its configuration (it was reactivated): the caller configures it again.</summary>
[GenerateSerializer]
public sealed class CoordinatorNotConfiguredException(string message) : Exception(message);
