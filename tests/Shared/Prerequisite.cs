namespace HyperIft.Tests;

/// <summary>
/// Something a test needs from the machine rather than from the repository (numpy, the Fashion-MNIST
/// package, …). Where it is missing the test is reported skipped, not passed; under CI=true, where
/// .ci/run installs it, a missing prerequisite fails the test instead.
/// </summary>
public static class Prerequisite
{
    /// <summary>Whether CI=true: the run that installs every prerequisite.</summary>
    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Returns if <paramref name="available"/>; otherwise ends the test as skipped, or as failed under CI=true.
    /// </summary>
    /// <param name="available">Whether the prerequisite is there.</param>
    /// <param name="what">What is missing and where it comes from, e.g. "numpy (Debian package python3-numpy)".</param>
    public static void Require(bool available, string what)
    {
        if (available) return;
        if (UnderCi) Assert.Fail($"{what} is not installed; .ci/run installs it, so under CI=true this test must run");
        Assert.Skip($"{what} is not installed");
    }
}
