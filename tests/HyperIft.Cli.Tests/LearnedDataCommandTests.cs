using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace HyperIft.Cli.Tests;

/// <summary>distill and augment from the console (SPEC §8): their results files, their λ files and their bad input.</summary>
public class LearnedDataCommandTests : TempFolderTests
{
    // p = 16: 4×4 images, so the PNGs are written.
    private const string Square = "synthetic:n=300,p=16,c=3,seed=4";

    [Fact]
    public void Distill_writes_its_rows_as_csv_and_images_and_its_lambda_reloads()
    {
        string output = Temp.PathOf("distill");
        var r = CliRunner.Run("tune", "--model", "softmax", "--hyper", "distill", "--distill-per-class", "2", "--train", Square,
            "--steps", "4", "--outer-lr", "0.1", "--tol", "1e-12", "--output", output, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var result = JsonDocument.Parse(r.Stdout);
        Assert.Equal(6, result.RootElement.GetProperty("n").GetInt32()); // f trains on the k·C rows alone
        Assert.Equal(2 * 3 * 16, result.RootElement.GetProperty("lambdaCount").GetInt32());

        var lambda = ReadNumbers(Path.Combine(output, "lambda.txt"));
        var csv = File.ReadAllLines(Path.Combine(output, "distilled.csv"));
        Assert.Equal(7, csv.Length);
        Assert.StartsWith("label,x0,x1,", csv[0]);
        for (int row = 0; row < 6; row++)
        {
            var cells = csv[1 + row].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(row / 2, cells[0]); // class-major: the k rows of class 0 first
            Assert.Equal(lambda.Skip(row * 16).Take(16), cells.Skip(1));
        }
        // One row of images per class, k = 2 images a row, 4×4 pixels at scale 2 with 2-pixel gutters.
        Assert.Equal((2 * 10 + 2, 3 * 10 + 2), PngSize(Path.Combine(output, "distilled.png")));

        var history = File.ReadAllLines(Path.Combine(output, "history.csv"));
        double first = double.Parse(history[1].Split(',')[1], CultureInfo.InvariantCulture);
        double final = result.RootElement.GetProperty("validationLoss").GetDouble();
        Assert.True(final < first, $"validation loss {first} → {final}");
        Assert.EndsWith(",inner_seconds,linear_solve_seconds,cross_term_seconds", history[0]);
        foreach (var line in history.Skip(1))
        {
            var cells = line.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            double phases = cells[^3] + cells[^2] + cells[^1];
            // Written to 0.1 ms (F4): a phase under 50 µs reads 0, and the three roundings add up to 0.15 ms.
            Assert.True(cells[^3] >= 0 && cells[^2] >= 0 && cells[^1] >= 0 && phases <= cells[7] + 1.5e-4, $"phases {phases} s of a {cells[7]} s step: {line}");
        }

        var again = CliRunner.Run("hypergrad", "--model", "softmax", "--hyper", "distill", "--distill-per-class", "2", "--train", Square,
            "--lambda-file", Path.Combine(output, "lambda.txt"), "--shards", "3", "--tol", "1e-12", "--json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        using var check = JsonDocument.Parse(again.Stdout);
        Assert.Equal(final, check.RootElement.GetProperty("validationLoss").GetDouble(), 1e-12);
    }

    [Fact]
    public void Distill_starts_from_the_class_means_or_from_noise()
    {
        string[] common = ["hypergrad", "--model", "softmax", "--hyper", "distill", "--train", Square, "--json"];
        var mean = CliRunner.Run([.. common]);
        var noise = CliRunner.Run([.. common, "--distill-init", "random"]);
        Assert.True(mean.ExitCode == 0 && noise.ExitCode == 0, mean.Stderr + noise.Stderr);
        double Loss(CliRunner.Result r) => JsonDocument.Parse(r.Stdout).RootElement.GetProperty("validationLoss").GetDouble();
        // Trained on its class means, softmax already separates the synthetic classes; on N(0, 1) rows it does not.
        Assert.True(Loss(mean) < Loss(noise), $"class-mean start {Loss(mean)}, random start {Loss(noise)}");
    }

    [Fact]
    public void Augment_draws_rows_beside_their_copies_and_skips_the_picture_when_the_rows_are_not_square()
    {
        string output = Temp.PathOf("augment");
        var r = CliRunner.Run("tune", "--model", "mlp", "--hidden", "6", "--hyper", "augment", "--augment-copies", "2", "--augment-noise", "3",
            "--train", Square, "--steps", "2", "--outer-lr", "0.05", "--max-cg", "200", "--damping", "1e-3", "--output", output, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var result = JsonDocument.Parse(r.Stdout);
        Assert.Equal(16 * 16 + 16 * 3 + 16, result.RootElement.GetProperty("lambdaCount").GetInt32());
        Assert.Equal((3 * 10 + 2, 8 * 10 + 2), PngSize(Path.Combine(output, "augmented.png"))); // 8 rows: the original, then R copies

        string other = Temp.PathOf("augment5");
        var notSquare = CliRunner.Run("tune", "--model", "softmax", "--hyper", "augment", "--train", "synthetic:n=200,p=5,c=3,seed=1",
            "--steps", "1", "--output", other);
        Assert.True(notSquare.ExitCode == 0, notSquare.Stderr);
        Assert.True(File.Exists(Path.Combine(other, "result.json")));
        Assert.False(File.Exists(Path.Combine(other, "augmented.png")));
    }

    [Theory]
    [InlineData("--distill-per-class", "0", "distill")]
    [InlineData("--augment-copies", "0", "augment")]
    [InlineData("--augment-noise", "-1", "augment")]
    public void Counts_below_one_are_refused_naming_the_flag(string flag, string value, string kind)
    {
        var r = CliRunner.Run("hypergrad", "--model", "softmax", "--hyper", kind, "--train", Square, flag, value);
        CliAssert.BadInput(r, flag);
    }

    [Fact]
    public void A_distill_lambda_file_of_the_wrong_length_is_refused_naming_it()
    {
        var lambda = Temp.Write("lam.txt", string.Join("\n", Enumerable.Repeat("0.5", 47)) + "\n");
        var r = CliRunner.Run("hypergrad", "--model", "softmax", "--hyper", "distill", "--train", Square, "--lambda-file", lambda);
        CliAssert.BadInput(r, lambda, "has 47 values; distill needs 48");
    }

    [Fact]
    public void Data_kinds_refuse_what_they_cannot_do()
    {
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--model", "softmax", "--hyper", "l2", "--train", Square, "--distill-per-class", "2"),
            "--distill-per-class applies to --hyper distill");
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--model", "logistic", "--hyper", "augment", "--train", "synthetic:n=100,p=4"),
            "use --model softmax or mlp");
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--model", "softmax", "--hyper", "distill", "--train", Square, "--standardize"),
            "drop --standardize");
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--model", "softmax", "--hyper", "distill", "--train", Square, "--shards", "4"),
            "--shards 4 is more than the 3 distilled rows");
    }

    private static double[] ReadNumbers(string path) =>
        File.ReadAllLines(path).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Width and height from a PNG's IHDR.</summary>
    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0x89, bytes[0]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}
