namespace HyperIft.Cli.Tests;

/// <summary>Every bad input of SPEC §6: one message naming file and line, exit code 2, no stack trace.</summary>
public class BadInputTests : TempFolderTests
{
    private const string GoodLogistic = "x1,x2,y\n0.1,0.2,0\n0.5,-1,1\n1.5,0.3,1\n-0.7,0.2,0\n";

    private CliRunner.Result Hypergrad(string model, string train, string val, params string[] more) =>
        CliRunner.Run(["hypergrad", "--model", model, "--train", train, "--val", val, "--json", .. more]);

    [Fact]
    public void Missing_file() =>
        CliAssert.BadInput(Hypergrad("logistic", Temp.PathOf("nope.csv"), Temp.Write("v.csv", GoodLogistic)), "nope.csv: file not found");

    [Fact]
    public void Ragged_row()
    {
        var train = Temp.Write("t.csv", GoodLogistic + "1,2\n");
        CliAssert.BadInput(Hypergrad("logistic", train, Temp.Write("v.csv", GoodLogistic)), $"{train}:6:", "row has 2 columns, expected 3");
    }

    [Fact]
    public void Non_numeric_cell()
    {
        var val = Temp.Write("v.csv", "1,2,1\n3,oops,0\n");
        CliAssert.BadInput(Hypergrad("logistic", Temp.Write("t.csv", GoodLogistic), val), $"{val}:2:", "'oops' is not a number");
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("inf")]
    [InlineData("-Infinity")]
    public void Nan_or_inf(string cell)
    {
        var train = Temp.Write("t.csv", GoodLogistic + $"1,{cell},0\n");
        CliAssert.BadInput(Hypergrad("logistic", train, Temp.Write("v.csv", GoodLogistic)), $"{train}:6:");
    }

    [Fact]
    public void Label_outside_the_model_set()
    {
        var val = Temp.Write("v.csv", "1,2,1\n3,4,2\n");
        CliAssert.BadInput(Hypergrad("logistic", Temp.Write("t.csv", GoodLogistic), val), $"{val}:2:", "label 2 is not a binary label");
        var softVal = Temp.Write("sv.csv", "1,2,1\n3,4,3\n");
        CliAssert.BadInput(Hypergrad("softmax", Temp.Write("st.csv", "1,2,0\n3,4,1\n5,6,2\n"), softVal), $"{softVal}:2:", "label 3 is not a class index in 0..2");
        var mixed = Temp.Write("m.csv", "1,2,0\n3,4,-1\n");
        CliAssert.BadInput(Hypergrad("logistic", mixed, Temp.Write("v.csv", GoodLogistic)), $"{mixed}:2:", "mix 0 and -1");
    }

    [Fact]
    public void Validation_features_differ_from_training()
    {
        var val = Temp.Write("v.csv", "1,2,3,1\n");
        CliAssert.BadInput(Hypergrad("logistic", Temp.Write("t.csv", GoodLogistic), val), val, "has 3 features, the training set");
    }

    [Fact]
    public void Lambda_file_of_the_wrong_length_or_content()
    {
        var lam = Temp.Write("lam.txt", "-1\n-2\n-3\n");
        CliAssert.BadInput(Hypergrad("logistic", Temp.Write("t.csv", GoodLogistic), Temp.Write("v.csv", GoodLogistic), "--hyper", "l2-feature", "--lambda-file", lam),
            lam, "has 3 values; l2-feature needs 2 (one per feature)");
        var bad = Temp.Write("bad.txt", "-1\nabc\n");
        CliAssert.BadInput(Hypergrad("logistic", Temp.Write("t.csv", GoodLogistic), Temp.Write("v.csv", GoodLogistic), "--hyper", "l2-feature", "--lambda-file", bad),
            $"{bad}:2:", "'abc' is not a number");
    }

    [Fact]
    public void Repeated_libsvm_index()
    {
        var train = Temp.Write("t.svm", "0 1:1 2:0.5\n1 1:0.5 1:5\n");
        CliAssert.BadInput(Hypergrad("logistic", train, Temp.Write("v.svm", "0 1:1\n1 2:1\n")), $"{train}:2:", "feature index 1 appears twice in the row");
    }

    [Theory]
    [InlineData("[0:99999999999]")]
    [InlineData("[-1:3]")]
    public void Row_range_beyond_int32_or_negative(string range)
    {
        var train = Temp.Write("t.csv", GoodLogistic);
        CliAssert.BadInput(Hypergrad("logistic", train + range, Temp.Write("v.csv", GoodLogistic)), $"{train}{range}: row range '{range}' is not [start:end]");
    }

    [Theory]
    [InlineData("softmax", "synthetic:n=50,p=3,c=1", "c must be between 2 and 1000")]
    [InlineData("logistic", "synthetic:n=0,p=3", "n must be at least 1")]
    [InlineData("ridge", "synthetic:n=50,p=3,c=5000", "c must be between 2 and 1000")]
    [InlineData("ridge", "synthetic:n=50,q=3", "unknown key 'q'")]
    public void Out_of_range_synthetic_settings(string model, string source, string expected) =>
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--model", model, "--train", source, "--json"), source, expected);

    [Theory]
    [InlineData("--bogus", "unknown option '--bogus'")]
    [InlineData("--solver=lu", "--solver 'lu' is not one of: cg, neumann, exact")]
    [InlineData("--tol=abc", "--tol 'abc' is not a finite number")]
    [InlineData("--shards=0", "--shards must be at least 1")]
    [InlineData("--features=0", "--features must be at least 1")]
    [InlineData("--classes=1", "--classes must be at least 2")]
    public void Bad_options(string option, string expected) =>
        CliAssert.BadInput(Hypergrad("logistic", Temp.Write("t.csv", GoodLogistic), Temp.Write("v.csv", GoodLogistic), option), expected);

    [Fact]
    public void Unknown_model_command_and_missing_val()
    {
        CliAssert.BadInput(Hypergrad("svm", Temp.Write("t.csv", GoodLogistic), Temp.Write("v.csv", GoodLogistic)), "--model 'svm' is not one of");
        var r = CliRunner.Run("fit");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown command 'fit'", r.Stderr);
        CliAssert.BadInput(CliRunner.Run("hypergrad", "--model", "ridge", "--train", Temp.Write("t.csv", GoodLogistic)), "--val is required");
    }

    [Fact]
    public void Help_lists_options_and_an_example()
    {
        var r = CliRunner.Run("hypergrad", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--lambda-file FILE", r.Stdout);
        Assert.Contains("example:", r.Stdout);
        Assert.Contains("tune", CliRunner.Run("--help").Stdout);
    }
}
