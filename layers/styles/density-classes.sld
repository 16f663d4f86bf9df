<?xml version="1.0" encoding="UTF-8"?>
<!-- Density surfaces in seven fixed classes (incidents per km2 per month), for printed maps where a stepped legend reads better than a ramp. -->
<StyledLayerDescriptor version="1.0.0"
    xmlns="http://www.opengis.net/sld"
    xmlns:ogc="http://www.opengis.net/ogc"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <Name>density</Name>
    <UserStyle>
      <Name>density-classes</Name>
      <Title>Density classes (incidents per km² per month)</Title>
      <FeatureTypeStyle>
        <Rule>
          <Name>density</Name>
          <Title>Incidents per km² per month</Title>
          <RasterSymbolizer>
            <Opacity>0.85</Opacity>
            <!-- SLD 1.0 has only colour ramps; each class is a flat stretch of the ramp, from its lower bound to
                 0.001 below the next class, so values step from class to class as in a classed map. -->
            <ColorMap>
              <ColorMapEntry color="#FFFFFF" opacity="0" quantity="0" label="under 2"/>
              <ColorMapEntry color="#FFFFFF" opacity="0" quantity="1.999"/>
              <ColorMapEntry color="#FED976" opacity="0.6" quantity="2" label="2 to 10"/>
              <ColorMapEntry color="#FED976" opacity="0.6" quantity="9.999"/>
              <ColorMapEntry color="#FEB24C" opacity="0.75" quantity="10" label="10 to 25"/>
              <ColorMapEntry color="#FEB24C" opacity="0.75" quantity="24.999"/>
              <ColorMapEntry color="#FD8D3C" opacity="0.85" quantity="25" label="25 to 50"/>
              <ColorMapEntry color="#FD8D3C" opacity="0.85" quantity="49.999"/>
              <ColorMapEntry color="#FC4E2A" opacity="0.9" quantity="50" label="50 to 100"/>
              <ColorMapEntry color="#FC4E2A" opacity="0.9" quantity="99.999"/>
              <ColorMapEntry color="#E31A1C" opacity="0.95" quantity="100" label="100 to 250"/>
              <ColorMapEntry color="#E31A1C" opacity="0.95" quantity="249.999"/>
              <ColorMapEntry color="#B10026" opacity="1" quantity="250" label="250 to 500"/>
              <ColorMapEntry color="#B10026" opacity="1" quantity="499.999"/>
              <ColorMapEntry color="#67000D" opacity="1" quantity="500" label="500 or more"/>
            </ColorMap>
          </RasterSymbolizer>
        </Rule>
      </FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
