package io.nexomatic.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.generator.annotation.Default;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The schema's defaults (what the API server fills in) and the model's initial values (what the
 * operator assumes when a field is absent) must agree.
 */
class ModelDefaultsMatchSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyScalarSchemaDefaultIsTheFieldsInitialValue() throws Exception {
    List<Class<?>> models =
        List.of(
            SinkFleetSpec.class,
            HubSpec.class,
            HubTlsSpec.class,
            AuthSpec.class,
            RuntimeSpec.class,
            AutoscalingSpec.class,
            FallbackSpec.class,
            DisruptionSpec.class);
    int checked = 0;
    for (Class<?> model : models) {
      Object fresh = model.getDeclaredConstructor().newInstance();
      for (Field field : model.getDeclaredFields()) {
        Default schemaDefault = field.getAnnotation(Default.class);
        if (schemaDefault == null || schemaDefault.value().equals("{}")) {
          continue;
        }
        field.setAccessible(true);
        String initial = JSON.writeValueAsString(field.get(fresh)).replace("\"", "");
        assertThat(initial)
            .as(model.getSimpleName() + "." + field.getName())
            .isEqualTo(schemaDefault.value());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(15);
  }
}
